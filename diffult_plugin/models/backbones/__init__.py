from .cifar_resnet import CifarResNet
from .ride_resnet import RIDEResNet
from .shike_resnet import SHIKEResNet

__all__ = ['CifarResNet', 'RIDEResNet', 'SHIKEResNet']
